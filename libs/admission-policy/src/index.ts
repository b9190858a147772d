// @logbook/admission-policy
