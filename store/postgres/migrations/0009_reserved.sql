-- Reserved for another branch's migration 0009; the integrator replaces
-- this file with it.
SELECT 1;
