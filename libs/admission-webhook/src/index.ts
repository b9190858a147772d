// @logbook/admission-webhook
