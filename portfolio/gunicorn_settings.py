"""gunicorn's settings for the portfolio: ``gunicorn -c python:portfolio.gunicorn_settings``.

Workers, bind address and timeout can still be given on the command line (README); what is
set here is what the app relies on.
"""

#: witness, invitation and reset tokens never reach the access log
logger_class = "portfolio.log_redaction.AccessLog"
accesslog = "-"
#: an upload of a large video takes longer than gunicorn's 30 s default
timeout = 3600
