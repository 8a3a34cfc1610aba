DROP TABLE payout_batch_payees;
DROP TABLE payout_batch_payers;
DROP FUNCTION payout_batch_accounts_frozen;
