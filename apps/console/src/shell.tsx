import { Anchor, AppShell, Badge, Burger, Button, Group, NavLink, ScrollArea, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import type { Role } from './api/types';
import { useLiveMode } from './live';
import { useSession, useSessionState } from './session';

const NAVIGATION: Record<Role, { to: string; label: string }[]> = {
  customer: [
    { to: '/', label: 'Accounts' },
    { to: '/payments', label: 'Payments' },
    { to: '/deposit', label: 'Deposit' },
    { to: '/withdraw', label: 'Withdraw' },
    { to: '/pay', label: 'Pay' },
  ],
  merchant: [
    { to: '/', label: 'Accounts' },
    { to: '/payments', label: 'Payments received' },
    { to: '/deposit', label: 'Deposit' },
    { to: '/withdraw', label: 'Withdraw' },
    { to: '/pay', label: 'Pay' },
  ],
  admin: [
    { to: '/', label: 'Async work' },
    { to: '/users', label: 'Users' },
    { to: '/accounts', label: 'Accounts' },
    { to: '/transactions', label: 'Transactions' },
    { to: '/payments', label: 'Payments' },
    { to: '/reviews', label: 'Reviews' },
    { to: '/audit', label: 'Audit' },
    { to: '/verify', label: 'Verification' },
    { to: '/projections', label: 'Projections' },
  ],
};

const LIVE_BADGES = {
  live: { color: 'teal', label: 'Live', hint: 'Updates arrive as they happen' },
  connecting: { color: 'gray', label: 'Connecting', hint: 'Opening the live channel' },
  reconnecting: { color: 'orange', label: 'Reconnecting', hint: 'Resuming from the last update seen' },
  polling: { color: 'yellow', label: 'Polling', hint: 'No live channel: refreshing every 2 s' },
} as const;

function LiveBadge() {
  const badge = LIVE_BADGES[useLiveMode()];
  return (
    <Tooltip label={badge.hint}>
      <Badge color={badge.color} variant="dot" data-live={badge.label}>
        {badge.label}
      </Badge>
    </Tooltip>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const { signOut } = useSessionState();
  const [opened, { toggle, close }] = useDisclosure();
  const { pathname } = useLocation();
  const active = (to: string) => pathname === to || (to !== '/' && pathname.startsWith(`${to}/`));
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Anchor component={Link} to="/" fw={700} size="lg" c="inherit" underline="never">
              Ledger
            </Anchor>
            <LiveBadge />
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="xs" data-user={user.name}>
              {user.name} · {user.role}
            </Text>
            <Button size="xs" variant="default" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <ScrollArea>
          {NAVIGATION[user.role].map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={item.to}
              label={item.label}
              active={active(item.to)}
              onClick={close}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
