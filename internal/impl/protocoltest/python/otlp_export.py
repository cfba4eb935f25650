"""Exports logs and metrics with the OpenTelemetry Python SDK and its
OTLP/HTTP protobuf exporter (opentelemetry-exporter-otlp-proto-http) to the
Lightwatch at LW_URL, authenticated with LW_KEY; the service is LW_SERVICE.
Run by internal/impl/app/protocols_python_test.go, which reads the events back."""

import logging
import os
import sys

from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.resources import Resource

url, key, service = os.environ["LW_URL"], os.environ["LW_KEY"], os.environ["LW_SERVICE"]
headers = {"Authorization": "Bearer " + key}
resource = Resource.create({"service.name": service, "host.name": "py-host"})


class CheckedExporter(OTLPLogExporter):
    """Fails the script when an export fails (the SDK only logs it)."""

    def export(self, batch):
        result = super().export(batch)
        if result.name != "SUCCESS":
            sys.exit("log export failed: %s" % result)
        return result


log_exporter = CheckedExporter(endpoint=url + "/otlp/v1/logs", headers=headers, compression=Compression.Gzip)
logs = LoggerProvider(resource=resource)
logs.add_log_record_processor(SimpleLogRecordProcessor(log_exporter))
logger = logging.getLogger("checkout.py")
logger.propagate = False
logger.addHandler(LoggingHandler(level=logging.DEBUG, logger_provider=logs))
logger.setLevel(logging.DEBUG)
logger.warning("disk almost full", extra={"disk.free_pct": 7, "mount": "/var"})
logger.error("payment declined from python")
logs.shutdown()

reader = InMemoryMetricReader()
meters = MeterProvider(resource=resource, metric_readers=[reader])
counter = meters.get_meter("checkout.py").create_counter("py.orders")
counter.add(5, {"region": "eu"})
data = reader.get_metrics_data()
metric_exporter = OTLPMetricExporter(endpoint=url + "/otlp/v1/metrics", headers=headers)
result = metric_exporter.export(data)
if result.name != "SUCCESS":
    sys.exit("metric export failed: %s" % result)
meters.shutdown()
print("exported")
