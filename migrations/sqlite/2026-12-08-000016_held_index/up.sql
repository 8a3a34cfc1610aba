-- The caps are counted under the campaign's lock for every batch of applications: counting
-- accepted offices and model offices off this index reads no table rows, so intake does not
-- slow as a campaign of 100,000 fills. Status leads: an index led by campaign_id alone would
-- compete with participants_campaign_office for lookups by office number.
CREATE INDEX participants_status_campaign_role ON participants (status, campaign_id, role);
