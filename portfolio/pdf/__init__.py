"""The one package that talks to WeasyPrint.

``fetcher`` is the locked-down URL fetcher: WeasyPrint may read only the stored files the app
hands it, by storage key, and nothing else (no ``file:``, no ``http(s):``, no ``data:``).
``renderer`` turns the app's own HTML into an archival PDF (PDF/A-3b, tagged) with attachments.
``signature`` signs a finished PDF (PAdES, pyHanko) and checks a signature. Templates for PDFs
live in templates/pdf/.
"""
