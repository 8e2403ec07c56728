"""What a person reads: the Markdown/table report, the shopping list, the e-mail (text, HTML,
CSV and calendar attachments) and the text helpers they share."""
