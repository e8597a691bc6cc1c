"""The report run: plan, kernels, worker pool (local and dask), publishing, index, run cache, retention."""
