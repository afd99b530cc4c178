"""remarket: run a marketplace for refurbished electronics across every channel."""
