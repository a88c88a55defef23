"""The buyers' tracking page and self-service (SPEC §11): server-rendered pages a notice's link opens."""
