"""Writes documents with the official Elasticsearch Python client's
helpers.bulk to the Lightwatch at LW_URL (its /es/ prefix), with the key LW_KEY
as the Basic password; the service is LW_SERVICE. Run by
internal/impl/app/protocols_python_test.go, which reads the events back."""

import os
import sys

from elasticsearch import Elasticsearch, helpers

url, key, service = os.environ["LW_URL"], os.environ["LW_KEY"], os.environ["LW_SERVICE"]
es = Elasticsearch(url + "/es", basic_auth=("elastic", key), request_timeout=30)

info = es.info()  # fails unless the product header and version document are right
assert info["version"]["number"].startswith("8."), info

docs = [
    {"_index": "app-logs", "_id": "doc-1", "_source": {
        "@timestamp": "2026-12-06T03:00:00.000Z", "message": "payment declined",
        "log": {"level": "error"}, "service": {"name": service}, "host": {"name": "es-host"},
        "http": {"response": {"status_code": 402}}}},
    {"_index": "app-logs", "_source": {"@timestamp": "2026-12-06T03:00:01.000Z",
                                       "message": "WARN slow provider", "service": {"name": service}}},
    {"_index": "app-logs", "_source": {"@timestamp": "2026-12-06T03:00:02.000Z", "service": {"name": service}}},
]
ok, errors = helpers.bulk(es, docs, raise_on_error=False)
if ok != 2 or len(errors) != 1 or errors[0]["index"]["status"] != 400:
    sys.exit("bulk: ok=%d errors=%r" % (ok, errors))
# A retry of the document with an id stores nothing twice.
ok, errors = helpers.bulk(es, docs[:1])
if ok != 1:
    sys.exit("retry: ok=%d errors=%r" % (ok, errors))
print("bulk ok")
