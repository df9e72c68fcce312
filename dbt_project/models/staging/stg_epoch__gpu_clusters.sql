{{ latest_vintage(source('raw', 'epoch_gpu_clusters')) }}
