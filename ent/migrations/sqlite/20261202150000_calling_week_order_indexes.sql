-- Create index "callingweek_partner_id_week_calls_customer_id" to table: "calling_weeks"
CREATE INDEX `callingweek_partner_id_week_calls_customer_id` ON `calling_weeks` (`partner_id`, `week`, `calls`, `customer_id`);
-- Create index "callingweek_partner_id_week_poor_legs_customer_id" to table: "calling_weeks"
CREATE INDEX `callingweek_partner_id_week_poor_legs_customer_id` ON `calling_weeks` (`partner_id`, `week`, `poor_legs`, `customer_id`);
-- Create index "callingweek_partner_id_week_queue_legs_customer_id" to table: "calling_weeks"
CREATE INDEX `callingweek_partner_id_week_queue_legs_customer_id` ON `calling_weeks` (`partner_id`, `week`, `queue_legs`, `customer_id`);
