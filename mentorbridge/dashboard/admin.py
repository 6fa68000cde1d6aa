"""Nothing of the dashboard's own is edited in the admin; its exports are in the audit log
(core.admin, filter "Exports")."""
