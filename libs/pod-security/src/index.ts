// @logbook/pod-security
