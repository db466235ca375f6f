import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { Empty, Loading } from './components/ui';
import { LiveProvider } from './live';
import { AccountDetailScreen, AccountsScreen } from './screens/accounts';
import { MoveMoneyScreen, PayScreen } from './screens/move-money';
import { PaymentScreen, PaymentsScreen } from './screens/payments';
import { SignInScreen } from './screens/sign-in';
import { TransferScreen } from './screens/transfer';
import { useSessionState } from './session';
import { Shell } from './shell';

// Admin screens (and the charts library) load only for admins.
const DashboardScreen = lazy(() => import('./screens/admin/dashboard').then((m) => ({ default: m.DashboardScreen })));
const UsersScreen = lazy(() => import('./screens/admin/users').then((m) => ({ default: m.UsersScreen })));
const TransactionsScreen = lazy(() =>
  import('./screens/admin/transactions').then((m) => ({ default: m.TransactionsScreen })),
);
const ReviewsScreen = lazy(() => import('./screens/admin/reviews').then((m) => ({ default: m.ReviewsScreen })));
const AuditScreen = lazy(() => import('./screens/admin/audit').then((m) => ({ default: m.AuditScreen })));
const VerifyScreen = lazy(() => import('./screens/admin/audit').then((m) => ({ default: m.VerifyScreen })));
const ProjectionsScreen = lazy(() =>
  import('./screens/admin/projections').then((m) => ({ default: m.ProjectionsScreen })),
);

export function App() {
  const { session } = useSessionState();
  if (!session) return <SignInScreen />;
  return (
    <LiveProvider apiKey={session.apiKey}>
      <Shell>
        <Suspense fallback={<Loading />}>
          <Routes>
            {session.user.role === 'admin' ? (
              <>
                <Route path="/" element={<DashboardScreen />} />
                <Route path="/users" element={<UsersScreen />} />
                <Route path="/accounts" element={<AccountsScreen />} />
                <Route path="/transactions" element={<TransactionsScreen />} />
                <Route path="/reviews" element={<ReviewsScreen />} />
                <Route path="/audit" element={<AuditScreen />} />
                <Route path="/verify" element={<VerifyScreen />} />
                <Route path="/projections" element={<ProjectionsScreen />} />
              </>
            ) : (
              <>
                <Route path="/" element={<AccountsScreen />} />
                <Route path="/deposit" element={<MoveMoneyScreen key="deposit" kind="deposit" />} />
                <Route path="/withdraw" element={<MoveMoneyScreen key="withdrawal" kind="withdrawal" />} />
                <Route path="/pay" element={<PayScreen />} />
              </>
            )}
            <Route path="/accounts/:accountId" element={<AccountDetailScreen />} />
            <Route path="/payments" element={<PaymentsScreen />} />
            <Route path="/payments/:paymentId" element={<PaymentScreen />} />
            <Route path="/transfers/:kind/:transferId" element={<TransferScreen />} />
            <Route path="*" element={<Empty>Nothing here.</Empty>} />
          </Routes>
        </Suspense>
      </Shell>
    </LiveProvider>
  );
}
