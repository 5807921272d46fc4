"""Mail: rendering (subject, text and HTML templates per message) and one
transport class per channel (SMTP, local ``.eml`` sink)."""
