"""What leaves the system about a portfolio: the portfolio PDF and the archive bundle.

- ``contents``   everything a portfolio document shows, gathered in a fixed number of queries
- ``manifest``   the machine-readable manifest (attached to the PDF, at the root of a bundle)
                 and the content key that says when a stored export can be reused
- ``portfolio_pdf``  the HTML from templates/pdf/, rendered (portfolio/pdf) and signed
"""
