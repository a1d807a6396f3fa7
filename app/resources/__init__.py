"""资源整合: the resource directories and the booking of shared instruments."""
