DROP TABLE application_notes;
