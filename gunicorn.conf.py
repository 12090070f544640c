"""Gunicorn settings for production (Dockerfile, docker-compose.yml).

The access log records the path without the query string, and no referer: an address may carry
personal data (a search term), and no personal data goes into a log (DESIGN.md §4, issue 15).
Atoms: h client address, t time, m method, U path without query, H protocol, s status,
b response length, L request time in seconds.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
