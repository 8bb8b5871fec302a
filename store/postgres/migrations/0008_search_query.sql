-- search_query reads a user's query under every configuration the index
-- uses, each alternative once: the same lexeme repeated six times made the
-- planner expect six times the rows, and walk the whole table for a rare
-- word. IMMUTABLE, so that the planner folds it on the query's value and
-- estimates from the index's statistics.
CREATE FUNCTION search_query(q TEXT) RETURNS tsquery LANGUAGE sql IMMUTABLE AS $$
	SELECT COALESCE(string_agg(DISTINCT '(' || x::text || ')', ' | '), '')::tsquery
	FROM unnest(ARRAY[websearch_to_tsquery('english', q), websearch_to_tsquery('french', q),
		websearch_to_tsquery('spanish', q), websearch_to_tsquery('russian', q),
		websearch_to_tsquery('arabic', q), websearch_to_tsquery('simple', q)]) x
	WHERE x::text <> ''
$$;
