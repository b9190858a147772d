// @logbook/admission-cluster
