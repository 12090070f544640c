FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=privacyschool.settings
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --require-hashes -r requirements.txt
COPY . .
RUN useradd --system --home /app privacyschool && mkdir -p /app/var/media && chown -R privacyschool /app/var
USER privacyschool
# collectstatic needs settings but no database or real secrets
RUN DATABASE_URL=sqlite:////tmp/build.sqlite3 SECRET_KEY=build FIELD_ENCRYPTION_KEY=ZmFrZS1idWlsZC1rZXktMzItYnl0ZXMtbG9uZy0tLS0= \
    FIELD_HASH_KEY=build python manage.py collectstatic --noinput -v 0
EXPOSE 8000
CMD ["gunicorn", "privacyschool.wsgi", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3"]
