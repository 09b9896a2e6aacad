import pkg from '../package.json' with { type: 'json' };

/** The platform version every service reports (`hermes --version`, instance records, telemetry). */
export const HERMES_VERSION: string = pkg.version;
