"""Taking a portfolio away: the portfolio PDF and the archive bundle, made on the task queue
(views.py), and the same from the command line (cli.py)."""
