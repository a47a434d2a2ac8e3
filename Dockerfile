FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext postgresql-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN python -c 'import tomllib,subprocess;subprocess.check_call(["pip","install","--no-cache-dir",*tomllib.load(open("pyproject.toml","rb"))["project"]["dependencies"]])'
COPY . .
RUN SECRET_KEY=build PUBLIC_BASE_URL=http://build EMAIL_HOST=build PII_KEYS=build PII_INDEX_KEY=build DEBUG=0 python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "zhifu_reopen.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
