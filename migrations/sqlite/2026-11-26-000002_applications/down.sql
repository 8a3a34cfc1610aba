DROP TABLE seminar_attendees;
DROP TABLE participants;
DROP TABLE applications;
