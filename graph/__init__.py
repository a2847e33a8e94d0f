"""The knowledge graph: RDF model, stores, text encoders and analyses.

Importing this package switches ONNX Runtime's telemetry off before anything can load the runtime. ONNX
Runtime 1.32 writes a device id and an event store under ``~/.cache/Microsoft/DeveloperTools/.onnxruntime/``
as soon as it is imported, and looks up ``mobile.events.data.microsoft.com`` about 10 s later to upload them.
``ORT_DISABLE_TELEMETRY=1``, read when the library loads, stops both; ``disable_telemetry_events()`` and
``ORT_TELEMETRY_DISABLED`` do not (measured with a fresh HOME under strace; docs/security.md, section 3). Every
path that loads ONNX Runtime (the encoder, the export, the app, the CLIs) imports this package first.
"""

import os

os.environ["ORT_DISABLE_TELEMETRY"] = "1"
