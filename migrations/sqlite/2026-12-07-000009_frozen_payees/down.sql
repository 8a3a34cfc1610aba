DROP TABLE payout_batch_payees;
DROP TABLE payout_batch_payers;
