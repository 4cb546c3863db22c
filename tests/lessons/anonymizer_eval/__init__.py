"""Labelled evaluation set and scoring for the lesson anonymizer."""
