"""The demo: published facts from editions/data/ and illustrative projects that reproduce them."""
