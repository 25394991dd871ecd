"""GB/T 9704 layout: styles, page setup, text→docx typesetting, format check, PDF."""
