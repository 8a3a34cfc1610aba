DROP TABLE checkpoint_reminders;
DROP TABLE payout_lines;
DROP TABLE payout_batches;
DROP TABLE year_end_results;
DROP TABLE year_end_checks;
DROP TABLE usage_list_offices;
DROP TABLE usage_lists;
DROP TABLE checkpoints;
