"""Food-composition tables: USDA SR24 reference, curated catalogue, schema, search, FDC import."""
