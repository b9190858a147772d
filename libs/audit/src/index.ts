// @logbook/audit
