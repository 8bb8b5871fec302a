-- PostgreSQL's 0008 defines how it reads a search query; FTS5 takes the
-- query as sqlstore writes it, and needs nothing here.
SELECT 1;
