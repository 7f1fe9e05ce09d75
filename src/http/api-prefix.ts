/** Every versioned API route lives under this prefix; route declarations are relative to it. */
export const API_PREFIX = '/api/v1';
