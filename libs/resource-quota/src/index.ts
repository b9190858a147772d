// @logbook/resource-quota
