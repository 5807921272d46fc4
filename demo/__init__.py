"""The demo: actas from several regiones (see ``actas_demo.csv``) and a few
follow-up facts, loaded idempotently by ``cumple demo``."""
