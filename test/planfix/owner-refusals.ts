/** Planfix's refusals of a comment's `owner: contact:N` seen or documented (api-notes-planfix.md §1): each means "write it without owner". */
export const OWNER_REFUSALS = [
  [6, 'Access to this method/object for the user is forbidden'],
  [0, 'Rest API error'],
  [5001, 'Error adding comment'],
  [40, 'Missing parameter: owner'],
  [41, 'Invalid parameter: owner'],
] as const;
