"""The account pages: sign-in and passwords (auth), people and posts (people)."""
