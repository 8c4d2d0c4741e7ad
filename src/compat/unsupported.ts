export class UnsupportedApiError extends Error { override name = 'UnsupportedApiError'; }
