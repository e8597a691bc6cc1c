"""The report run, one module per concept (imports flow down this list, never up).

- :mod:`~kamlib.run.render`: :func:`~kamlib.run.render.render` and the lock (the orchestration);
- :mod:`~kamlib.run.cluster`: the same reports on a dask cluster;
- :mod:`~kamlib.run.pool`: the worker processes, shared by the local and the dask path;
- :mod:`~kamlib.run.execute`: one report in its own kernel; :mod:`~kamlib.run.kernels`: forked
  kernels and stopping processes;
- :mod:`~kamlib.run.publish`: the security gate, publishing, PDF, the manifest;
  :mod:`~kamlib.run.index`: the index pages;
- :mod:`~kamlib.run.plan`: notebooks, jobs, keys and the skip decision;
  :mod:`~kamlib.run.parameters`: what notebooks may receive;
- :mod:`~kamlib.run.cache`: the run cache; :mod:`~kamlib.run.retention`: ``kam cleanup``;
- :mod:`~kamlib.run.files`: permissions, atomic writes, file hashes.
"""
