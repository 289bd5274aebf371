"""Request dependencies shared by the routers."""
