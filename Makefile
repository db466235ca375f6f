# The production shape runs in containers (docker compose); `npm start` runs everything in one process.
COMPOSE ?= docker compose

.PHONY: up down build migrate test lint logs shell

up:            ## KurrentDB, PostgreSQL, Redis and the API
	$(COMPOSE) up -d --build

down:
	$(COMPOSE) down

build:         ## the API image, and the compiled app in dist/
	$(COMPOSE) build
	npm run build

migrate:       ## migrations also run at every start; this runs them alone against DATABASE_URL
	npm run build --silent && node dist/scripts/migrate.js

test:
	npm test

lint:
	npm run lint
	npm run typecheck

logs:
	$(COMPOSE) logs -f api

shell:         ## psql into the compose PostgreSQL
	$(COMPOSE) exec postgres psql -U postgres ledger
