"""What every simulated production start needs besides its own subject (the subprocess tests of the
settings): the personal-data keys (issue 13 item 5) and an SMTP host (mail never goes to the console with
DEBUG off). Development values only."""

PII = {"PII_KEYS": "emhpZnUtZGV2LXBpaS1rZXktbm90LWZvci1wcm9kISE=", "PII_INDEX_KEY": "test-index-key"}
MAIL = {"EMAIL_HOST": "smtp.example.gov.cn"}
