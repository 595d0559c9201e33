/** Officials' roles; persisted values (users.role), never rename. */
export enum Role {
  Officer = 'OFFICER',
  Supervisor = 'SUPERVISOR',
  Admin = 'ADMIN',
}
