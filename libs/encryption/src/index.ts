// @logbook/encryption
