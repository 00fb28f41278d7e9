"""Train the design: settings, MNIST, augmentation, building, the loop, progress and the job queue."""
