-- The caps are counted under the campaign's lock for every batch of applications: counting
-- accepted offices and model offices off this index reads no table rows, so intake does not
-- slow as a campaign of 100,000 fills.
CREATE INDEX participants_campaign_status_role ON participants (campaign_id, status, role);
