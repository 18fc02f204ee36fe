"""Access Atlas: access to basic public services whatever a person's migration status."""
